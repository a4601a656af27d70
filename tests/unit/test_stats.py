"""Percentiles and the start-latency table, without a daemon."""
import pytest

from dockerlens.show.stats import StartLatency, percentile


def test_percentile_interpolates_between_ranks():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)
    assert percentile([3, 1, 2], 0) == 1 and percentile([3, 1, 2], 100) == 3
    with pytest.raises(ValueError):
        percentile([], 50)


def test_latency_table_shows_measured_and_cited_rows():
    lat = StartLatency(started=[0.1] * 10, running=[0.1 + i / 100 for i in range(10)])
    assert lat.median == pytest.approx(0.145)
    text = repr(lat)
    assert "median of 10" in text and "145 ms" in text and "Firecracker" in text
    page = lat._repr_html_()
    assert page.count("<rect") == 4  # one bar per row
    assert "NSDI 2020" in page
