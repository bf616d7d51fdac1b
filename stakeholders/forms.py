"""Forms for organisations, members, invitations and accounts."""

# --- Applications and the coordinator's decisions -------------------------------------------

# --- Organisation profile, members and invitations -------------------------------------------

# --- My account ---------------------------------------------------------------------------------
