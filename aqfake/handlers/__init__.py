"""One module per Aquarium controller family; each declares ``ROUTES``."""
