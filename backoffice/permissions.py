"""The permissions the back office checks beyond Django's model permissions (backoffice.roles
gives them to the groups)."""

# Lists with personal data (phones, accessibility needs, notes, invoice data): Organisers only.
EXPORT_PERMISSION = "registration.export_registrations"
# The door: check-in, and the printed sign-in sheets and badges (names and organisations).
CHECK_IN_PERMISSION = "registration.check_in"
PRINT_LISTS_PERMISSION = "registration.print_lists"
# Deciding on claims and recording transfers: Organisers (change), not Staff (view only).
DECIDE_CLAIMS_PERMISSION = "catering.change_freeticketclaim"
MARK_PAID_PERMISSION = "catering.change_cateringorder"
# Adding a person by hand in the admin (a speaker, a guest): Organisers. The door adds walk-ins
# with CHECK_IN_PERMISSION on the check-in page.
ADD_PERSON_PERMISSION = "registration.add_registration"
# Writing to a group of attendees (a mail to each): Organisers.
WRITE_MESSAGES_PERMISSION = "messaging.add_message"
