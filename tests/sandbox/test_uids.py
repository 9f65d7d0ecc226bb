"""Sandbox uids: two live sandboxes never share one, and a uid is free again once its holder is gone."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from twinbench.sandbox import Outcome, Sandbox
from twinbench.sandbox.uids import NoFreeUid, UidLease

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="sandbox uids are leased only by a root harness")

HOLD = "from twinbench.sandbox.uids import UidLease; import sys; lease = UidLease(); print(lease.uid, flush=True); " \
       "sys.stdin.read()"


def test_leases_in_one_process_are_distinct_and_reusable_after_release():
    a, b = UidLease(), UidLease()
    assert a.uid != b.uid
    taken = a.uid
    a.release()
    c = UidLease()
    assert c.uid == taken
    b.release()
    c.release()


def test_a_uid_held_by_another_process_is_skipped_until_that_process_ends():
    holder = subprocess.Popen([sys.executable, "-c", HOLD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    held = int(holder.stdout.readline())
    mine = UidLease()
    assert mine.uid != held
    mine.release()
    holder.kill()  # no cleanup runs: the kernel drops the lock
    holder.wait()
    again = UidLease(first=held, count=1)
    assert again.uid == held
    again.release()


def test_every_uid_taken_is_a_clear_error():
    lease = UidLease()
    with pytest.raises(NoFreeUid, match="in use"):
        UidLease(first=lease.uid, count=1)
    lease.release()


def test_two_sandboxes_at_once_do_not_kill_each_others_programs():
    """After each program a sandbox kills every process of its uid: with a shared uid, a program running in
    the other sandbox would die with it."""
    with Sandbox() as slow, Sandbox() as quick:
        assert slow.uid != quick.uid
        sleeper = subprocess.Popen(["sleep", "30"], user=slow.uid)  # stands for a program of `slow` still running
        try:
            assert quick.run("sam.xabs(1)").outcome is Outcome.OK
            assert sleeper.poll() is None
        finally:
            sleeper.kill()
            sleeper.wait()
