"""Date and time fields show the portal's two-tone focus, on the field and on the calendar
button inside it (a tab stop of its own in Chromium, which otherwise gets the browser's thin
ring). A pseudo-element has no computed style of its own to read, so the button is checked
by what the user sees: the focus yellow in a screenshot of the field."""

import base64

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

FOCUS_OUTER = (255, 221, 0)  # --focus-outer
FIELD = "#id_running_on"


def _yellow_pixels(browser_page, png: bytes) -> int:
    """Pixels of the focus yellow in a PNG, counted by a canvas on a blank page (no CSP)."""
    blank = browser_page.context.new_page()
    try:
        return blank.evaluate(
            """async ([data, [r, g, b]]) => {
                const image = new Image();
                image.src = "data:image/png;base64," + data;
                await image.decode();
                const canvas = document.createElement("canvas");
                canvas.width = image.width;
                canvas.height = image.height;
                const context = canvas.getContext("2d");
                context.drawImage(image, 0, 0);
                const pixels = context.getImageData(0, 0, image.width, image.height).data;
                let count = 0;
                for (let i = 0; i < pixels.length; i += 4) {
                    if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) {
                        count += 1;
                    }
                }
                return count;
            }""",
            [base64.b64encode(png).decode(), list(FOCUS_OUTER)],
        )
    finally:
        blank.close()


def _focus_state(page) -> dict:
    return page.evaluate(
        """(selector) => {
            const field = document.querySelector(selector);
            const style = getComputedStyle(field);
            return {
                active: document.activeElement === field,
                focus: field.matches(":focus"),
                outline: [style.outlineStyle, style.outlineWidth, style.outlineColor],
                shadow: style.boxShadow,
            };
        }""",
        FIELD,
    )


def test_the_date_field_and_its_calendar_button_show_the_portal_focus(page, live_server):
    page.goto(live_server.url + "/en/initiatives/")
    page.click("summary.filter-details__summary")  # the filters wait behind "Filter (0)"
    field = page.locator(FIELD)
    assert field.get_attribute("type") == "date"
    field.scroll_into_view_if_needed()
    unfocused = _yellow_pixels(page, field.screenshot())

    # Tab into the field: the field itself has the portal's ring (computed style).
    field.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    state = _focus_state(page)
    assert state["focus"], state
    assert state["outline"] == ["solid", "3px", "rgb(11, 12, 12)"]
    assert state["shadow"] == "rgb(255, 221, 0) 0px 0px 0px 6px"

    # Tab on through the date's parts to the calendar button: still inside the field, no
    # longer the field itself; the button is marked in the focus yellow.
    for _ in range(6):
        page.keyboard.press("Tab")
        state = _focus_state(page)
        if state["active"] and not state["focus"]:
            break
    else:
        pytest.fail("Tab never reached the calendar button")
    focused = _yellow_pixels(page, field.screenshot())
    assert unfocused == 0
    assert focused > 50, focused
