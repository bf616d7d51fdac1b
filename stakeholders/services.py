"""Every change to organisations, memberships, invitations and accounts goes through here.

Each service is ``@transaction.atomic``, takes keyword-only arguments, and states its
business rule in its docstring. Emails go through ``partnership.emails.email_send`` (sent
after commit, in the recipient's language). Views and tests call these, nothing else writes.
"""

# --- Applications and the coordinator's decisions -------------------------------------------

# --- Organisation profile, members and invitations -------------------------------------------

# --- My account ---------------------------------------------------------------------------------
