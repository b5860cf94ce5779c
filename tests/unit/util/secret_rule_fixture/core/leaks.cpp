// Not compiled: what no_secret_logged_rule.py must refuse (test
// no_secret_logged_rule.catches_a_leak expects it to fail on this folder).
void leak(const std::string& smtp_password) {
  log::warn("smtp", "login failed with " + smtp_password);
}
