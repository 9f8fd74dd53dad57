import ipywidgets as w

from helpers.widget_tools import report_errors


def test_an_error_in_a_button_handler_is_shown_in_the_output(capsys):
    output = w.Output()  # outside a kernel, what it would show goes to stdout
    calls = []

    def broken():
        calls.append(1)
        raise ValueError("no server")

    report_errors(output, broken)(None)
    assert calls == [1]
    assert "failed: ValueError: no server" in capsys.readouterr().out


def test_a_working_handler_runs_untouched():
    done = []
    report_errors(w.Output(), lambda: done.append(True))(None)
    assert done == [True]
