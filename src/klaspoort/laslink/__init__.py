"""The automatic link with a school's administration system (LAS): vendors, consent, pull and push."""
