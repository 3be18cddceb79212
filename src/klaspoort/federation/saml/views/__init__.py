"""HTTP edges of the SAML IdP: parse, call one action, render."""
