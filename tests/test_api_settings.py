"""Settings: defaults < config file < REPLYLINT_* variables < flags, validated with the setting's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.server import settings_env
from api.settings import Settings
from linter.errors import ReplylintError

EXTENSION = "abcdefghijklmnopabcdefghijklmnop"


def test_api_settings_defaults_serve_loopback_and_require_the_model() -> None:
    settings = Settings.load(env={})
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)
    assert settings.require_model is True and settings.api_keys_file is None
    assert settings.cors_origins == [] and settings.cors_origin_regex is None and settings.log_text is False


@pytest.mark.parametrize("suffix", [".yaml", ".toml"])
def test_api_settings_file_then_env_then_flags(tmp_path: Path, suffix: str) -> None:
    config = tmp_path / f"replylint{suffix}"
    if suffix == ".yaml":
        config.write_text(
            f"port: 9000\nworkers: 3\nextension_ids: [{EXTENSION}]\nallowed_origins: ['https://acme.zendesk.com']\n"
        )
    else:
        config.write_text(
            f'port = 9000\nworkers = 3\nextension_ids = ["{EXTENSION}"]\nallowed_origins = ["https://acme.zendesk.com"]\n'
        )
    env = {
        "REPLYLINT_CONFIG": str(config),
        "REPLYLINT_WORKERS": "4",
        "REPLYLINT_REQUIRE_MODEL": "false",
        "REPLYLINT_MAX_CHARS": "1000",
    }
    settings = Settings.load(env=env, port=9100)
    assert (settings.port, settings.workers, settings.require_model, settings.max_chars) == (9100, 4, False, 1000)
    assert settings.cors_origins == [f"chrome-extension://{EXTENSION}", "https://acme.zendesk.com"]


def test_api_settings_env_lists_and_booleans() -> None:
    env = {"REPLYLINT_EXTENSION_IDS": f" {EXTENSION} ,", "REPLYLINT_ALLOW_ANY_EXTENSION": "yes", "REPLYLINT_API_KEYS_FILE": ""}
    settings = Settings.load(env=env)
    assert settings.extension_ids == (EXTENSION,) and settings.allow_any_extension and settings.api_keys_file is None
    assert settings.cors_origin_regex == r"chrome-extension://[a-p]{32}"


def test_api_settings_round_trip_through_worker_variables(tmp_path: Path) -> None:
    settings = Settings(
        port=1234, extension_ids=(EXTENSION,), api_keys_file=tmp_path / "keys.txt", log_text=True, rate_limit_burst=5
    )
    assert Settings.load(env=settings_env(settings)) == settings


@pytest.mark.parametrize(
    ("env", "fragments"),
    [
        ({"REPLYLINT_PORT": "eighty"}, ["port", "$REPLYLINT_PORT"]),
        ({"REPLYLINT_WORKERS": "0"}, ["workers", "greater than or equal to 1"]),
        ({"REPLYLINT_EXTENSION_IDS": "not-an-id"}, ["extension_ids", "chrome://extensions"]),
        ({"REPLYLINT_ALLOWED_ORIGINS": "https://*.zendesk.com"}, ["allowed_origins", "no wildcard"]),
        ({"REPLYLINT_ALLOWED_ORIGINS": "https://acme.zendesk.com/agent"}, ["allowed_origins", "no path"]),
        ({"REPLYLINT_LOG_LEVEL": "loud"}, ["log_level"]),
        ({"REPLYLINT_REQUIRE_MODEL": "maybe"}, ["require_model"]),
    ],
)
def test_api_settings_invalid_values_name_the_setting(env: dict[str, str], fragments: list[str]) -> None:
    with pytest.raises(ReplylintError) as info:
        Settings.load(env=env)
    assert info.value.code == "E471"
    for fragment in fragments:
        assert fragment in info.value.message


def test_api_settings_bad_config_files(tmp_path: Path) -> None:
    unknown = tmp_path / "a.yaml"
    unknown.write_text("prot: 80\n")
    with pytest.raises(ReplylintError) as info:
        Settings.load(unknown, env={})
    assert info.value.code == "E471" and "prot" in info.value.message and "known settings" in info.value.message
    for name, content in (("b.toml", "port = "), ("c.yaml", "- just\n- a list\n"), ("d.json", "{}")):
        path = tmp_path / name
        path.write_text(content)
        with pytest.raises(ReplylintError) as info:
            Settings.load(path, env={})
        assert info.value.code == "E470" and name in info.value.message
    with pytest.raises(ReplylintError) as info:
        Settings.load(tmp_path / "missing.yaml", env={})
    assert info.value.code == "E470"
