/* Clientside callbacks of the Borderlines app (no network, no globals beyond the namespace). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  borderlines: {
    setLang: function (lang) {
      var value = lang === "uk" ? "uk" : "en";
      document.documentElement.setAttribute("lang", value);
      return value;
    },
    viewport: function () {
      return { width: Math.round(window.innerWidth || 1200) };
    }
  }
});
