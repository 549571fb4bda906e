"""agent_app.sync.client against the real central API on loopback."""

import socket

import pytest

from agent_app.core.enums import Role
from agent_app.sync.client import ApiError, CentralClient, ServerUnreachableError
from central_api.embedded import start_embedded


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    embedded = start_embedded(f"sqlite:///{tmp_path_factory.mktemp('c') / 'c.db'}",
                              seed_demo_users=True)
    yield embedded
    embedded.stop()


def test_login_me_and_logout(server):
    client = CentralClient(server.url)
    result = client.login("unit-cgj", "demo")
    assert result.user.role is Role.UNIT and result.user.unit_code == "pds-csglj"
    client.token = result.token
    assert client.me().username == "unit-cgj"
    client.logout()
    with pytest.raises(ApiError) as info:
        client.me()
    assert info.value.status == 401 and info.value.message == "登录已过期：请重新登录。"
    assert info.value.code == "sign_in_expired"


def test_wrong_password_is_an_api_error_with_the_servers_message(server):
    with pytest.raises(ApiError) as info:
        CentralClient(server.url).login("op01", "wrong")
    assert info.value.status == 401 and info.value.message == "用户名或密码错误。"
    assert info.value.code == "wrong_login" and info.value.refusal is not None


def test_nobody_listening_is_unreachable_not_a_crash():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ServerUnreachableError, match="cannot connect"):
        CentralClient(f"http://127.0.0.1:{port}", timeout=(1, 1)).health()


def test_a_server_that_never_answers_times_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()  # accepts the connection, never replies
        port = listener.getsockname()[1]
        with pytest.raises(ServerUnreachableError, match="did not answer in time"):
            CentralClient(f"http://127.0.0.1:{port}", timeout=(1, 0.5)).health()


def test_tls_verification_is_on_by_default_and_a_ca_bundle_can_be_given():
    assert CentralClient("https://hotline.example").session.verify is True
    bundle = "centre-ca.pem"
    assert CentralClient("https://hotline.example", ca_bundle=bundle).session.verify == bundle
