def test_app_answers_health(client):
    assert client.get("/healthz").get_json() == {"status": "up"}
