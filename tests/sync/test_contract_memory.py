"""Run the ChangeStore contract against InMemoryChangeStore."""

from collections.abc import Callable

import pytest

from sync.contract import CONTRACT, StoreFactory
from sync.store import InMemoryChangeStore


@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_in_memory_store_meets_contract_when_checked(
    check: Callable[[StoreFactory], None],
) -> None:
    check(InMemoryChangeStore)
