"""allauth adapter: the portal's rules for accounts."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Open signup is closed: partners join through an invitation from their
        organisation's admin or a coordinator, never on their own."""
        return False
