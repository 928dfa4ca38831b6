# The historical models are created in audit.history (see there) and placed in this module.
