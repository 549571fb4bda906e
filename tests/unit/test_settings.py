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
