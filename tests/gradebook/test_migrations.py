"""The Alembic migrations and the models describe the same schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from grader.gradebook.migrate import MIGRATIONS, alembic_config, upgrade
from grader.gradebook.models import Base


def test_upgrade_head_on_an_empty_database_gives_the_models_schema(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'book.sqlite'}")
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert context.get_current_revision() == head
    assert set(inspect(engine).get_table_names()) == {*Base.metadata.tables, "alembic_version"}


def test_alembic_check_finds_nothing_to_migrate(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'book.sqlite'}")
    upgrade(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises when the models hold something no migration makes


def test_a_model_without_its_migration_is_found(tmp_path: Path) -> None:
    from sqlalchemy import Column, Integer, MetaData, Table

    engine = create_engine(f"sqlite:///{tmp_path / 'book.sqlite'}")
    upgrade(engine)
    grown = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(grown)
    Table("late_penalties", grown, Column("id", Integer, primary_key=True))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), grown)
    assert [d[0] for d in diff] == ["add_table"]


def test_upgrading_twice_changes_nothing_and_downgrade_removes_all(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'book.sqlite'}")
    upgrade(engine)
    upgrade(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


def test_the_migrations_ship_inside_the_package() -> None:
    assert MIGRATIONS.is_relative_to(Path(__import__("grader").__file__).parent)
    assert (MIGRATIONS / "env.py").is_file() and list((MIGRATIONS / "versions").glob("r*.py"))
