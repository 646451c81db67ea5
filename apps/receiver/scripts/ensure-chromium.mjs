// The receiver's inspector test drives Debian's chromium. A fresh machine lacks it, so the test command installs
// it when it can (root with apt-get, as on CI and these dev machines) and otherwise says exactly what is missing.
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const present = () => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

if (!present()) {
  const canInstall = process.getuid?.() === 0 && !process.env.CHROMIUM_PATH;
  if (canInstall) {
    console.log("livehook: installing Debian's chromium for the browser tests (apt-get)…");
    try {
      execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
      execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], {
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
    } catch {
      // Reported below: the browser test cannot run without it.
    }
  }
  if (!present()) {
    console.error(
      `livehook: no chromium at ${path}. Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH; the receiver's inspector test needs it.`,
    );
    process.exit(1);
  }
}
