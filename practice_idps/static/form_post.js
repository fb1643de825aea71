// OAuth 2.0 Form Post Response Mode: post the answer to the app at once (the button is there
// for browsers without JavaScript).
document.getElementById("form-post").submit();
