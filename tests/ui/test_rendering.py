"""The building blocks of the pages: the note cleaner, the SVG charts, German formats."""

from __future__ import annotations

from worker.web.ui.charts import Series, bar_chart, nice_max, share_bars
from worker.web.ui.labels import fmt_duration
from worker.web.ui.sanitize import clean_html


def test_the_cleaner_keeps_our_note_formatting() -> None:
    note = "<p><b>Was:</b> Rückgabe</p><ul><li>Tag 20</li></ul><p><small>Kulanz-Triage [gw:1]</small></p>"
    assert str(clean_html(note)) == note


def test_the_cleaner_removes_scripts_handlers_and_javascript_links() -> None:
    out = str(
        clean_html(
            '<p onclick="x()">Hi<script>alert(1)</script><img src=x onerror=y>'
            '<a href="javascript:alert(2)">a</a><a href="https://x.example/?a=1&b=2">b</a></p>'
        )
    )
    assert "script" not in out and "onclick" not in out and "<img" not in out and "javascript" not in out
    assert '<a href="https://x.example/?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">b</a>' in out
    assert out.startswith("<p>Hi")


def test_the_cleaner_escapes_text_and_closes_what_was_left_open() -> None:
    assert str(clean_html("<b>1 &lt; 2 <i>und")) == "<b>1 &lt; 2 <i>und</i></b>"


def test_axis_maxima_are_round_numbers() -> None:
    assert nice_max(0) == (1.0, 1.0)
    assert nice_max(7) == (8.0, 2.0)
    assert nice_max(93) == (100.0, 25.0)


def test_a_bar_chart_has_a_bar_with_a_tooltip_per_value_and_escapes_labels() -> None:
    svg = str(
        bar_chart(
            ["<KW1>", "KW2"],
            [Series("a", "Eingang", "#000"), Series("b", "Erledigt", "#111")],
            {"a": [3, 0], "b": [2, 5]},
            title="Test",
        )
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "&lt;KW1&gt; · Eingang: 3" in svg and "KW2 · Erledigt: 5" in svg
    assert "<KW1>" not in svg


def test_share_bars_show_count_and_percentage() -> None:
    svg = str(share_bars([("Genehmigen", 3), ("Ablehnen", 1)], title="Anteile"))
    assert "3 · 75 %" in svg and "1 · 25 %" in svg


def test_durations_read_like_the_team_speaks() -> None:
    assert [fmt_duration(v) for v in (None, 42, 720, 3 * 3600 + 1200, 2 * 86400 + 4 * 3600)] == [
        "–",
        "42 s",
        "12 min",
        "3 h 20 min",
        "2 T 4 h",
    ]
