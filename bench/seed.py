"""Seeding the benchmark's users by direct SQLite import, through chimed's own schema.

A million CreateUser calls would take longer than the benchmark itself, so the harness creates
one account and one template user through the real API (so every column holds exactly what
chimed writes), stops chimed, and clones the template row N-1 times with a fresh UUID user id,
email and unique 10-digit PIN in one transaction. chimed then starts on that database as on any
other: nothing in the store caches counts or ids.
"""

import random
import sqlite3
import uuid

COLUMNS = ("user_id, account_id, primary_email, primary_provisioned_number, display_name, "
           "license_type, user_type, registration_status, invitation_status, registered_ms, "
           "invited_ms, alexa_enabled, alexa_room_arn, pin")


def _guessable(pin):
    """Mirrors model::IsGuessablePin: one repeated digit, or a +1/-1 run (wrapping 9->0)."""
    d = [int(c) for c in pin]
    steps = {(d[i + 1] - d[i]) % 10 for i in range(len(d) - 1)}
    return len(steps) == 1 and steps <= {0, 1, 9}


def _unique_pins(count, rng, taken):
    pins = []
    for value in rng.sample(range(10 ** 10), count + 16):
        pin = f"{value:010d}"
        if pin not in taken and not _guessable(pin):
            pins.append(pin)
        if len(pins) == count:
            return pins
    raise RuntimeError("could not draw enough PINs")


def clone_users(db_path, template_user_id, total, seed=7):
    """Makes the template's account hold `total` users. Returns the user ids in seq order."""
    rng = random.Random(seed)
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout=10000")
        # Loading is not what is measured; the commit below is still one fsync'd transaction.
        db.execute("PRAGMA synchronous=NORMAL")
        row = db.execute(f"SELECT {COLUMNS} FROM users WHERE user_id = ?",
                         (template_user_id,)).fetchone()
        if row is None:
            raise RuntimeError(f"template user {template_user_id} not found in {db_path}")
        (_, account_id, email, number, name, license_type, user_type, reg, inv, reg_ms, inv_ms,
         alexa, arn, pin) = row
        taken = {r[0] for r in db.execute("SELECT pin FROM users WHERE pin IS NOT NULL")}
        taken |= {r[0] for r in db.execute("SELECT pin FROM retired_pins")}
        pins = _unique_pins(total - 1, rng, taken)

        def rows():
            for i in range(1, total):
                yield (str(uuid.UUID(int=rng.getrandbits(128), version=4)), account_id,
                       f"bench-{i}@example.com", number, f"bench user {i}", license_type,
                       user_type, reg, inv, reg_ms, inv_ms, alexa, arn, pins[i - 1])

        db.execute("BEGIN IMMEDIATE")
        db.executemany(f"INSERT INTO users({COLUMNS}) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        ids = [r[0] for r in db.execute(
            "SELECT user_id FROM users WHERE account_id = ? ORDER BY seq", (account_id,))]
        seqs = [r[0] for r in db.execute(
            "SELECT seq FROM users WHERE account_id = ? ORDER BY seq", (account_id,))]
        return ids, seqs
    finally:
        db.close()
