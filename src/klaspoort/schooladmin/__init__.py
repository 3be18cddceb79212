"""ICT-coordinator settings of a school: the school network (C11) and who may use the pupil shortcut."""
