// Changing a day in the period picker means a custom period: select "Custom" so the days are used.
for (const form of document.querySelectorAll("form.period-picker, form.filters")) {
  const custom = form.querySelector('input[name="period"][value="custom"], select[name="period"]');
  for (const input of form.querySelectorAll('input[type="date"]')) {
    input.addEventListener("change", () => {
      if (!custom) return;
      if (custom.tagName === "SELECT") custom.value = "custom";
      else custom.checked = true;
    });
  }
}
