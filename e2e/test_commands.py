"""The `agora` commands as an operator runs them: each on a data folder of its own."""

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = os.environ.get("AGORA_BIN", str(ROOT / ".build/debug/agora"))
COMMUNES_35 = ROOT / "reference/communes_35.csv"


def agora(data_dir: Path, *args: str, extra_env: dict | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGORA_", "SMTP_", "DATABASE_URL"))}
    env.update({"AGORA_DATA_DIR": str(data_dir), "AGORA_BCRYPT_COST": "4"})
    env.update(extra_env or {})
    return subprocess.run([BIN, *args], env=env, capture_output=True, text=True, input=stdin, timeout=120, cwd=ROOT)


def count(data_dir: Path, sql: str) -> int:
    with sqlite3.connect(data_dir / "agora.sqlite") as db:
        return db.execute(sql).fetchone()[0]


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


def test_every_bad_setting_is_listed_at_once(data_dir):
    result = agora(data_dir, "migrate", extra_env={"AGORA_PORT": "quatre-vingt", "AGORA_BCRYPT_COST": "99", "SMTP_TLS": "parfois"})
    assert result.returncode == 78, result
    for name in ("AGORA_PORT", "AGORA_BCRYPT_COST", "SMTP_TLS"):
        assert name in result.stderr, f"{name} missing from: {result.stderr}"


def test_migrate_creates_the_database_in_wal_mode_and_a_private_secret_key(data_dir):
    result = agora(data_dir, "migrate")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(data_dir / "agora.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    key = data_dir / "secret.key"
    assert key.stat().st_mode & 0o777 == 0o600
    first = key.read_text()
    assert agora(data_dir, "migrate").returncode == 0
    assert key.read_text() == first, "the secret key must be kept from one start to the next"


def test_demo_prints_the_accounts_and_is_idempotent(data_dir):
    first = agora(data_dir, "demo")
    assert first.returncode == 0, first.stderr
    assert "habitant@vitre.example" in first.stdout and "demo-agora-2026" in first.stdout
    people = count(data_dir, "SELECT count(*) FROM people")
    assert agora(data_dir, "demo").returncode == 0
    assert count(data_dir, "SELECT count(*) FROM people") == people
    assert count(data_dir, "SELECT sum(population) FROM communes c JOIN territories t ON t.id = c.territory_id WHERE t.slug = 'vitre'") == 83737


def test_import_communes_names_the_bad_line_and_imports_nothing(data_dir, tmp_path):
    assert agora(data_dir, "migrate").returncode == 0
    lines = COMMUNES_35.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    columns = header.split(",")
    population = columns.index("population_municipale")
    broken = rows[2].split(",")
    broken[population] = "beaucoup"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([header, rows[0], rows[1], ",".join(broken)]) + "\n", encoding="utf-8")

    result = agora(data_dir, "import-communes", str(bad), "--territory", "ille", "--name", "Ille-et-Vilaine")
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "ligne 4" in message and "population_municipale" in message, message
    assert count(data_dir, "SELECT count(*) FROM communes") == 0
    assert count(data_dir, "SELECT count(*) FROM territories") == 0

    result = agora(data_dir, "import-communes", str(COMMUNES_35), "--territory", "ille", "--name", "Ille-et-Vilaine")
    assert result.returncode == 0, result.stdout + result.stderr
    assert count(data_dir, "SELECT count(*) FROM communes") == len(rows)


def test_create_admin_reads_the_password_from_the_environment(data_dir):
    assert agora(data_dir, "demo").returncode == 0
    short = agora(data_dir, "create-admin", "--email", "elu@exemple.fr", "--territory", "vitre", "--name", "Élu",
                  extra_env={"AGORA_ADMIN_PASSWORD": "court"})
    assert short.returncode != 0 and "12" in short.stdout + short.stderr
    result = agora(data_dir, "create-admin", "--email", "elu@exemple.fr", "--territory", "vitre", "--name", "Élu",
                   extra_env={"AGORA_ADMIN_PASSWORD": "une phrase de passe solide"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert count(data_dir, """SELECT count(*) FROM memberships m JOIN people p ON p.id = m.person_id
                               WHERE p.email = 'elu@exemple.fr' AND m.role = 'admin'""") == 1
