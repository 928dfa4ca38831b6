"""The permissions the back office checks beyond Django's model permissions (backoffice.roles
gives them to the groups)."""

EXPORT_PERMISSION = "registration.export_registrations"
CHECK_IN_PERMISSION = "registration.check_in"
# Deciding on claims and recording transfers: Organisers (change), not Staff (view only).
DECIDE_CLAIMS_PERMISSION = "catering.change_freeticketclaim"
MARK_PAID_PERMISSION = "catering.change_cateringorder"
