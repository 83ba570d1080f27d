"""One person, two tables: how a members row (党员名册) and a household_heads row (联户长) make one Member node.

The same id in both tables, or in a table and the store, is the same person. Neither table's row
erases what the other said (README, "One person in two tables"):

- the roll (``members``) states name, category, phone and the person's roles, and holds the membership
  (MEMBER_OF), the report (REPORTED_TO) and where the roles are held (SERVES);
- ``household_heads`` states that the person is a household head (the role, the grid served, the
  households linked) and, for someone not on the roll, the grid group as their organisation;
- a household head stays one when a roll row leaves the role out (the household_heads record says so:
  delete that record to end it); a household_heads row keeps every role the roll gave;
- a blank ``households`` keeps the stored figure; ``name``, ``category`` and ``phone`` come from the roll's row
  where the file has one, else from the household_heads row, as each table restates them.

The merge is the same whichever table the file lists first, and restating the result changes nothing.
"""

from __future__ import annotations

from typing import Any

from graph.model import Member, MemberRole

__all__ = ["merged_person"]

_HEAD = MemberRole.HOUSEHOLD_HEAD


def merged_person(*, person_id: str, roll: Any | None, head: Any | None, stored: Member | None) -> dict[str, Any]:
    """The fields of one person's Member node from the file's roll row, household_heads row (either may be None) and the stored node."""
    roles: list[MemberRole] = []
    if head is not None:
        roles += [_HEAD, *head.roles]
    if roll is not None:
        roles += roll.roles
        if stored is not None and _HEAD in stored.roles:
            roles.append(_HEAD)  # the household_heads table's to end, not the roll's
    elif stored is not None:
        roles += stored.roles  # a household_heads row keeps the roles the roll gave
    households = next((h for h in (head and head.households, roll and roll.households) if h is not None), None)
    if households is None:
        households = stored.households if stored is not None else 0
    stating = roll if roll is not None else head
    assert stating is not None, f"person {person_id} is described by no row"
    party_member = True if roll is not None else bool(stating.party_member)
    category = stating.category
    if category is None and roll is None and head is not None and head.party_member and stored is not None:
        category = stored.category
    phone = roll.phone if roll is not None and roll.phone else (head.phone if head is not None else None)
    return {
        "id": person_id,
        "name": stating.name,
        "category": category if party_member else None,
        "party_member": party_member,
        "roles": tuple(dict.fromkeys(roles)),
        "households": households,
        "phone": phone,
    }
