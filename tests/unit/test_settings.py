import json

from agent_app import settings as settings_module
from agent_app.settings import Settings, load_settings, save_settings


def test_missing_file_gives_defaults(tmp_path):
    assert load_settings(tmp_path) == Settings()


def test_round_trip_and_no_secrets_written(tmp_path):
    save_settings(tmp_path, Settings(server_url="https://hotline.example", last_username="op01"))
    loaded = load_settings(tmp_path)
    assert loaded.server_url == "https://hotline.example" and loaded.last_username == "op01"
    text = (tmp_path / "settings.json").read_text(encoding="utf-8")
    assert "password" not in text and "token" not in text


def test_wrong_types_unknown_keys_and_garbage_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"schema_version": 1, "stale_article_days": "many",
                                "from_the_future": 1, "language": "en"}), encoding="utf-8")
    loaded = load_settings(tmp_path)
    assert loaded.stale_article_days == Settings().stale_article_days
    assert loaded.language == "en"
    path.write_text("{not json", encoding="utf-8")
    assert load_settings(tmp_path) == Settings()


def test_upgrade_steps_run_in_order(tmp_path, monkeypatch):
    def rename(data):
        data["server_url"] = data.pop("api_url")
        return data

    monkeypatch.setattr(settings_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(settings_module, "UPGRADES", {1: rename})
    (tmp_path / "settings.json").write_text(
        json.dumps({"schema_version": 1, "api_url": "https://old.example"}), encoding="utf-8")
    assert load_settings(tmp_path).server_url == "https://old.example"


def write_system_config(tmp_path, text):
    path = tmp_path / "etc" / "config.toml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def test_the_machine_wide_file_sets_what_the_user_did_not(tmp_path):
    system = write_system_config(tmp_path, 'server_url = "https://12345.city.example"\n'
                                           'ca_bundle = "/etc/ssl/centre-ca.pem"\n'
                                           'last_username = "set-by-it"\n'
                                           'health_check_seconds = "often"\n')
    data_dir = tmp_path / "user"
    loaded = load_settings(data_dir, system)
    assert loaded.server_url == "https://12345.city.example"
    assert loaded.ca_bundle == "/etc/ssl/centre-ca.pem"
    # Per-user keys and values of the wrong type in the machine-wide file are ignored.
    assert loaded.last_username == "" and loaded.health_check_seconds == 15

    loaded.server_url = "https://test.example"
    save_settings(data_dir, loaded, system)
    loaded = load_settings(data_dir, system)
    assert loaded.server_url == "https://test.example"
    assert loaded.ca_bundle == "/etc/ssl/centre-ca.pem"


def test_a_user_who_kept_the_centres_url_follows_it_when_it_changes(tmp_path):
    system = write_system_config(tmp_path, 'server_url = "https://old.city.example"\n')
    data_dir = tmp_path / "user"
    settings = load_settings(data_dir, system)
    settings.last_username = "op01"
    save_settings(data_dir, settings, system)
    assert "server_url" not in json.loads((data_dir / "settings.json").read_text("utf-8"))

    system.write_text('server_url = "https://new.city.example"\n', encoding="utf-8")
    loaded = load_settings(data_dir, system)
    assert loaded.server_url == "https://new.city.example" and loaded.last_username == "op01"


def test_a_machine_wide_file_written_with_a_bom_is_read(tmp_path):
    system = tmp_path / "config.toml"
    system.write_bytes('\ufeffserver_url = "https://12345.city.example"\n'.encode())
    assert load_settings(tmp_path / "user", system).server_url == "https://12345.city.example"


def test_an_unreadable_machine_wide_file_is_ignored(tmp_path):
    system = write_system_config(tmp_path, "server_url = \n")
    assert load_settings(tmp_path / "user", system) == Settings()
    assert load_settings(tmp_path / "user", tmp_path / "missing.toml") == Settings()


def test_version_1_files_stop_hiding_the_machine_wide_file(tmp_path):
    system = write_system_config(tmp_path, 'server_url = "https://12345.city.example"\n')
    # Version 1 wrote every key, the untouched default URL included.
    (tmp_path / "settings.json").write_text(json.dumps({
        "schema_version": 1, "server_url": "https://12345.example.gov.cn", "ca_bundle": "",
        "language": "en", "last_username": "op01", "stale_article_days": 365,
    }), encoding="utf-8")
    loaded = load_settings(tmp_path, system)
    assert loaded.server_url == "https://12345.city.example"
    assert loaded.language == "en" and loaded.last_username == "op01"
