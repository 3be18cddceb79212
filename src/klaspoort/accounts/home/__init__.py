"""Home login for parents (thuis inloggen, C6-C9): home addresses per pupil set by the teacher,
parent accounts with their own password, and the child step with the pupil's own school code."""
