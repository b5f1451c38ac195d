from playwright.sync_api import expect

from tests.fixtures.users import PASSWORD


def test_supervisor_signs_in_in_swedish_and_switches_to_english(page, live_server, supervisor, hotspot):
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    page.get_by_label("Användarnamn").fill("sven")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    # A supervisor's start page is the coverage dashboard.
    expect(page.get_by_role("heading", name="Täckning i Svenljunga")).to_be_visible()
    expect(page.get_by_role("rowheader").get_by_role("link", name="Torget")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Coverage in Svenljunga")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
