// Embed cards: the provider's player is loaded only when the reader asks for it. Until then the
// page shows our own copy of the thumbnail and the browser sends the provider nothing.
document.addEventListener("click", function (event) {
  var play = event.target.closest(".embed-play");
  if (!play) return;
  var card = play.closest(".embed-card");
  if (!card || !card.dataset.player) return;
  event.preventDefault();
  var frame = document.createElement("iframe");
  frame.src = card.dataset.player;
  frame.title = card.dataset.title || "Embedded post";
  frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  frame.setAttribute("allowfullscreen", "");
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  card.querySelector(".embed-frame").replaceChildren(frame);
  card.classList.add("is-playing");
  frame.focus();
});
