"""moto's own Connect instances: every call checks that the instance it names exists.

moto's ``connect`` service owns instances (CreateInstance, DeleteInstance); this plugin only
reads them, here, so that a deleted instance answers ResourceNotFoundException everywhere.
"""

from __future__ import annotations

from moto.connect.models import connect_backends

from .chat.happenings import Origin
from .exceptions import ResourceNotFoundException


def check_instance(origin: Origin, instance_id: str) -> None:
    if instance_id not in connect_backends[origin.account_id][origin.region_name].instances:
        # Where it looked, so a client or seeder in another region or account sees why.
        raise ResourceNotFoundException(
            f"Instance not found: InstanceId '{instance_id}' in account "
            f"{origin.account_id}, region {origin.region_name}."
        )
