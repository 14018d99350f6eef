from playwright.sync_api import sync_playwright
from axe_playwright_python.sync_playwright import Axe
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium")
    ctx2 = b.new_context(java_script_enabled=False)
    p2 = ctx2.new_page(); p2.goto("http://127.0.0.1:8099/")
    print("loaded", flush=True)
    try:
        print(p2.evaluate("1+1"), flush=True)
        r = Axe().run(p2); print("nojs:", r.violations_count, flush=True)
    except Exception as e: print("nojs err", str(e)[:300], flush=True)
