"""Lab 02: a custom attribute; Collect attribute vs Return claim; what is stored, what is sent."""
from ..common import portal_sign_in, sign_up_actions
from ..model import (Choose, Click, CustomAttribute, Fill, Lab, Nav, See, Step, Tick, UserFlow)

LAB = Lab(
    number="02", slug="attributes_and_claims", title="Attributes and claims", minutes=25,
    goal=("Define a custom attribute, collect it at sign-up and return it in the token; then "
          "see, in the run's trace, an attribute that is collected but not returned and a claim "
          "that is returned but empty."),
    learn=("Custom attributes and their three names: extension_<appId>_Name in Graph and API "
           "connectors, extension_Name in tokens, extension_Name_li on the page.",
           "Collect attribute (a User attribute: asked and stored) versus Return claim (an "
           "Application claim: put in the token).",
           "Why a claim is missing from a token: it was collected but not returned, or returned "
           "but the user has no value.",
           "How to read a run's trace: the steps, the claims bag after each one."),
    steps=(
        portal_sign_in(),
        Step("Create the custom attribute. It belongs to the tenant; user flows pick it up.",
             (Nav("User attributes"), Click("+ Add"), Fill("Name", "FavouriteColour"),
              Choose("Data Type", "String"), Fill("Description", "The colour the user likes"),
              Click("Create", "button"), See("extension_FavouriteColour", "#custom-attributes")),
             "the attribute is listed with its three names; the Graph name carries the "
             "b2c-extensions-app's id."),
        Step("Create a user flow that collects FavouriteColour and City, and returns "
             "FavouriteColour and Job Title.",
             (Nav("User flows"), Click("+ New user flow"), Fill("Name", "lab02"),
              Tick("Collect FavouriteColour"), Tick("Return FavouriteColour"),
              Tick("Collect City"), Tick("Return Job Title"),
              Click("Create", "button"), See("B2C_1_lab02"))),
        Step("Run it with the seeded app webapp1 (its reply URL is the token viewer).",
             (Click("Run user flow"), Choose("Application", "webapp1"),
              Click("Update the endpoint", "button"), See("p=B2C_1_lab02", "#run-url"),
              Click("Run user flow", "link", new_tab=True))),
        Step("Sign up. The sign-up page now asks for FavouriteColour and City.",
             sign_up_actions(("Display Name", "Lab Two"), ("City", "Lisbon"),
                             ("FavouriteColour", "teal"))),
        Step("Read the token: extension_FavouriteColour is there; city and jobTitle are not.",
             (See("signature valid"), See("extension_FavouriteColour", "#claims-table"),
              See("teal", "#claims-table")),
             "**extension_FavouriteColour** = teal, and no **city** or **jobTitle** claim."),
        Step("Find out why: open the run that made this token.",
             (Click("See its run of B2C_1_lab02"),
              See("collected but not returned", 'tr[data-claim="city"]'),
              See("returned but empty", 'tr[data-claim="jobTitle"]'),
              See("in the token", 'tr[data-claim="extension_FavouriteColour"]')),
             "City is **collected but not returned** (stored in the directory, not in the "
             "token); Job Title is **returned but empty** (no value, so left out)."),
    ),
    troubleshooting=(
        ("**The name must start with a letter and contain only letters and digits...**",
         "Custom attribute names have no spaces or symbols: `FavouriteColour`, not "
         "`Favourite Colour`."),
        ("The sign-up page does not ask for FavouriteColour",
         "It is not a User attribute of the flow: on the flow's **User attributes** page, tick "
         "it under **Collect attribute** and **Save**."),
        ("The token has no extension_FavouriteColour",
         "It is not an Application claim of the flow (tick it under **Return claim**), or the "
         "user has no value: accounts created before the attribute was collected have none."),
        ("**See its run** is missing in the token viewer",
         "The viewer finds the run only for a token it can verify, signed in this tenant, "
         "issued by a run in the last seconds around its iat; a refreshed token has no run."),
    ),
    real_b2c=(
        "The extension property is created on the b2c-extensions-app the first time a user "
        "flow writes it; its Graph name uses that app's id without dashes.",
        "B2C has no run trace: you learn the reasons by elimination. Here the trace says it.",
        "Adding a custom attribute can take a few minutes to show up in user flows; here it is "
        "immediate.",
    ),
    end_state=(
        CustomAttribute("FavouriteColour"),
        UserFlow("B2C_1_lab02", collects=("extension_FavouriteColour", "city"),
                 returns=("extension_FavouriteColour", "jobTitle")),
    ),
)
