"""Run the ChangeStore contract against the SQL store, on SQLite and PostgreSQL."""

from collections.abc import Callable

import pytest
from flask import Flask

from server.extensions import db
from server.sync_api.store import SqlChangeStore
from sync.contract import CONTRACT, StoreFactory


@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_sql_store_meets_contract_when_checked(
    app: Flask, check: Callable[[StoreFactory], None]
) -> None:
    check(lambda: SqlChangeStore(db.session))
