"""Headless Chromium (Debian's chromium + chromedriver, driven by selenium from the venv) against
the worklist page: the page's order equals the API's, a click on Accept records the decision,
and a screenshot is saved. Prints a JSON result for the C++ test; exits non-zero on failure.

usage: browser_check.py PORT TOKEN SCREENSHOT_PNG
"""
import json
import os
import sys
import tempfile
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def api(port, token, path):
    request = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path), headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def main():
    # Chromium leaves its profile and singleton folders (org.chromium.Chromium.*) in TMPDIR:
    # give it a folder of its own, removed afterwards.
    with tempfile.TemporaryDirectory(prefix="vigil-chromium-") as scratch:
        os.environ["TMPDIR"] = scratch
        check(*sys.argv[1:4], profile=os.path.join(scratch, "profile"))


def check(port, token, screenshot, profile):
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1600,1000",
                 "--user-data-dir=" + profile):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get("http://127.0.0.1:%s/?token=%s" % (port, token))
        wait = WebDriverWait(driver, 20)
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "tr.study")))
        page_order = [row.get_attribute("data-uid") for row in driver.find_elements(By.CSS_SELECTOR, "tr.study")]
        api_order = [s["study_instance_uid"] for s in api(port, token, "/api/worklist")["studies"]]
        banner = driver.find_element(By.CSS_SELECTOR, ".notice").text
        driver.find_elements(By.CSS_SELECTOR, "tr.study")[0].click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "div.finding button.accept")))
        finding = driver.find_elements(By.CSS_SELECTOR, "div.finding")[0]
        finding_id = int(finding.get_attribute("data-finding"))
        finding.find_element(By.CSS_SELECTOR, "button.accept").click()
        wait.until(lambda d: any(f["id"] == finding_id and f["decision"] == "accepted"
                                 for f in api(port, token, "/api/studies/" + page_order[0])["findings"]))
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "span.decision.accepted")))
        driver.save_screenshot(screenshot)
        decision = [f for f in api(port, token, "/api/studies/" + page_order[0])["findings"] if f["id"] == finding_id][0]
        print(json.dumps({"page_order": page_order, "api_order": api_order, "banner": banner,
                          "finding_id": finding_id, "decision": decision["decision"]}))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
