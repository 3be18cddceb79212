"""pysaml2 attribute map for klaspoort (and Entree) attribute names.

Point a pysaml2 service provider's `attribute_map_dir` at this folder and the attributes arrive
under the names partners already use: `uid`, `eduPersonAffiliation`, `nlEduPersonHomeOrganizationId`,
`nlEduPersonHomeOrganizationBranchId`, `nlEduPersonHomeOrganization`, `givenName`, `sn`,
`nlEduPersonTussenvoegsels`, `eckId`. (Stock pysaml2 maps need `allow_unknown_attributes: True`.)
"""

NAMES = (
    "uid",
    "eduPersonAffiliation",
    "nlEduPersonHomeOrganizationId",
    "nlEduPersonHomeOrganizationBranchId",
    "nlEduPersonHomeOrganization",
    "givenName",
    "sn",
    "nlEduPersonTussenvoegsels",
    "eckId",
)

MAP = {
    "identifier": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
    "fro": {name: name for name in NAMES},  # pysaml2 lower-cases the keys itself
    "to": {name: name for name in NAMES},
}
