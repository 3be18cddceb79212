"""Two-factor sign-in for staff: TOTP (authenticator app) with single-use recovery codes.

Optional for everyone; a school can require it for its ICT coordinators. The staff login asks for a
code after the right password when the account has a confirmed device (`login.py`).
"""
