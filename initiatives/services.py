"""Every change to initiatives goes through here: one ``@transaction.atomic`` service per
change, keyword-only arguments, the business rule in the docstring."""

# --- Maintaining initiatives: updates, archive and restore -------------------------------------
