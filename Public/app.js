// Comfort only: every page works without this file.
// Adds a "show password" toggle next to password fields.
(function () {
  "use strict";
  var fr = document.documentElement.lang !== "en";
  document.querySelectorAll('input[type="password"]').forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-pressed", "false");
    button.textContent = fr ? "Afficher le mot de passe" : "Show password";
    button.addEventListener("click", function () {
      var shown = input.type === "text";
      input.type = shown ? "password" : "text";
      button.setAttribute("aria-pressed", shown ? "false" : "true");
      button.textContent = shown ? (fr ? "Afficher le mot de passe" : "Show password") : (fr ? "Masquer le mot de passe" : "Hide password");
    });
    input.insertAdjacentElement("afterend", button);
  });
  // Move focus to the error summary so screen readers announce it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
