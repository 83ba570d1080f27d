"""The application layer (应用层): who asks, on which day, and what changed, decided in one place.

:class:`~service.context.Context` carries every use case; :func:`~service.bootstrap.bootstrap`
builds what the entry points share; :mod:`service.policy` is the written access policy.
"""

from service.bootstrap import Services, bootstrap
from service.context import Context, Forbidden
from service.principal import AccessRole, Principal

__all__ = ["AccessRole", "Context", "Forbidden", "Principal", "Services", "bootstrap"]
