"""Teacher screens: the group overview (E1) with pupils' pictures and login codes."""
