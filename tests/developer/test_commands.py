import io

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from accounts.models import User
from developer.models import DEFAULT_SCOPES, ApiKey, hash_key


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_only_the_raw_key(user):
    out, err = run(user.email)
    raw_key = out.strip()
    assert out == raw_key + "\n"
    assert err == ""
    api_key = ApiKey.objects.get(key_hash=hash_key(raw_key))
    assert api_key.owner == user
    assert api_key.scopes == [str(scope) for scope in DEFAULT_SCOPES]
    assert api_key.name.startswith("cli ")


def test_name_and_scopes(user):
    out, _ = run(user.email.upper(), "--name", "deploy", "--scopes", "read, admin")
    api_key = ApiKey.objects.get(key_hash=hash_key(out.strip()))
    assert api_key.name == "deploy"
    assert api_key.scopes == ["read", "admin"]


def test_unknown_email_fails(db):
    with pytest.raises(CommandError, match=r"no user with email nobody@example\.com"):
        run("nobody@example.com")


def test_bad_scopes_fail_without_creating_a_key(user):
    with pytest.raises(CommandError, match="unknown scope"):
        run(user.email, "--scopes", "read,root")
    assert not ApiKey.objects.exists()


def test_duplicate_name_fails(user):
    run(user.email, "--name", "same")
    with pytest.raises(CommandError, match="already exists"):
        run(user.email, "--name", "same")


# transaction=True: run_from_argv closes the database connections when it finishes.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "argv",
    [["nobody@example.com"], ["owner@example.com", "--scopes", "read,root"]],
)
def test_from_the_command_line_errors_go_to_stderr_with_exit_1(capsys, argv):
    """What a shell script sees: nothing on stdout, the reason on stderr, exit status 1."""
    User.objects.create_user("owner@example.com", "pw-owner-123")
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "create_api_key", *argv]).execute()
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("CommandError: ")
    assert not ApiKey.objects.exists()
