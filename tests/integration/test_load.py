"""The load benchmark in small (issue #10): 200 clients push and pull for a few seconds against
the central API on PostgreSQL, in processes of its own. No timing assertions (machines are
noisy): every request is answered 2xx, and the final state check finds every ticket on the
server once, as its clients sent it, and every client's view at the server's version."""

from __future__ import annotations

from benchmarks import load


def test_200_clients_push_and_pull_without_an_error_or_a_mismatch(postgres_cluster, capsys):
    result = load.main(["--clients", "200", "--seconds", "10", "--floor-seconds", "3",
                        "--database-url", postgres_cluster.create_database()])
    printed = capsys.readouterr().out

    assert result.errors == 0, printed
    assert result.check.tickets_checked > 0, printed
    assert result.mismatches == 0, printed
    assert result.check.views_checked == 200 * result.check.on_server, printed
    assert result.tally.commands > 0 and result.engine_clients > 0, printed
    # The floor ran first with the same clients, and is printed beside the load.
    assert all(result.floor.seconds.get(kind) for kind in load.FLOOR_KINDS), printed
    assert "FLOOR, measured first in the same run" in printed, printed
