// Tacitus dashboard: small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Article view: pointing at an event in the list outlines its trigger and actors.
  const items = document.querySelectorAll("ol.article-events li[data-event]");
  items.forEach((item) => {
    const id = item.getAttribute("data-event");
    const marks = Array.from(document.querySelectorAll("mark[data-events]")).filter((m) =>
      m.getAttribute("data-events").split(" ").includes(id)
    );
    const on = () => { item.classList.add("focus"); marks.forEach((m) => m.classList.add("focus")); };
    const off = () => { item.classList.remove("focus"); marks.forEach((m) => m.classList.remove("focus")); };
    item.addEventListener("mouseenter", on);
    item.addEventListener("mouseleave", off);
    item.addEventListener("focusin", on);
    item.addEventListener("focusout", off);
  });

  // Filters: send only the fields that are filled in, for short, shareable URLs.
  document.querySelectorAll("form.filters").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("input, select").forEach((field) => {
        if (field.name && field.value === "" && field.type !== "checkbox") field.disabled = true;
      });
    });
  });
});
