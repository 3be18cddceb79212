"""Pupil login at school: picture, PIN or picture password, the school shortcut, pupil throttling."""
