// Comfort only: without this file every question is shown with its condition written beside it.
// Hides a question whose display condition ("only if you answered X to Y") is not met.
(function () {
  "use strict";
  var form = document.querySelector("form.form");
  if (!form) { return; }
  var dependent = document.querySelectorAll("[data-si]");
  if (!dependent.length) { return; }
  function answered(name, value) {
    var inputs = form.querySelectorAll('[name="' + name + '"], [name="' + name + '[]"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked && input.value === value : input.value === value) { return true; }
    }
    return false;
  }
  function update() {
    dependent.forEach(function (block) {
      var shown = answered(block.getAttribute("data-si"), block.getAttribute("data-egal"));
      block.hidden = !shown;
    });
  }
  form.addEventListener("change", update);
  update();
})();
