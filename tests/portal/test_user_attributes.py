"""User attributes blade: custom attributes with their three names, bad names refused, deleting
one that flows use refused with the flows named, or removed everywhere after confirming."""
import pytest

from idp.extensions import db
from idp.models import AuditRecord, UserAttribute, UserFlow
from tests.portal.conftest import csrf_token


def add_attribute(admin, name="FavouriteColour", data_type="String"):
    return admin.post_form("/portal/user-attributes/new", name=name, data_type=data_type,
                           description="The colour")


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_create_shows_the_three_names(admin, client, app):
    response = add_attribute(admin)
    assert response.status_code == 303
    html = client.get("/portal/user-attributes/").get_data(as_text=True)
    from idp.store.attributes import extensions_app_id
    with app.app_context():
        ext = extensions_app_id().replace("-", "")
    assert f"extension_{ext}_FavouriteColour" in html
    assert "<code>extension_FavouriteColour</code>" in html
    assert "extension_FavouriteColour_li" in html
    with app.app_context():
        activities = db.session.scalars(db.select(AuditRecord.activity)).all()
    assert "Create user attribute" in activities


@pytest.mark.parametrize("name,message", [
    ("Favourite Colour", "must start with a letter and contain only letters and digits"),
    ("1Colour", "must start with a letter"),
    ("Fav_Colour", "no spaces, underscores or symbols"),
    ("", "Enter a name."),
])
def test_invalid_names_are_refused(admin, app, name, message):
    response = add_attribute(admin, name=name)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert count(app, UserAttribute) == 0


def test_duplicate_name_is_refused_regardless_of_case(admin, app):
    add_attribute(admin)
    response = add_attribute(admin, name="favouritecolour")
    assert "A custom attribute named &#39;favouritecolour&#39; already exists." in \
        response.get_data(as_text=True)
    assert count(app, UserAttribute) == 1


def test_unknown_data_type_is_refused(admin, app):
    response = add_attribute(admin, data_type="Float")
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert count(app, UserAttribute) == 0


def test_delete_used_attribute_is_refused_then_removed_everywhere(admin, client, app):
    add_attribute(admin)
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow.config = {**flow.config,
                       "user_attributes": [*flow.config["user_attributes"],
                                           {"claim": "extension_FavouriteColour"}],
                       "application_claims": [*flow.config["application_claims"],
                                              "extension_FavouriteColour"]}
        db.session.commit()
        attribute_id = db.session.execute(db.select(UserAttribute)).scalar_one().id
    page = client.get("/portal/user-attributes/").get_data(as_text=True)
    refused = client.post(f"/portal/user-attributes/{attribute_id}/delete",
                          data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 409 and "B2C_1_susi" in refused.get_data(as_text=True)
    assert count(app, UserAttribute) == 1
    confirmed = client.post(f"/portal/user-attributes/{attribute_id}/delete",
                            data={"csrf_token": csrf_token(page), "confirm": "yes"})
    assert confirmed.status_code == 303
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        assert "extension_FavouriteColour" not in flow.config["application_claims"]
        assert all(a["claim"] != "extension_FavouriteColour"
                   for a in flow.config["user_attributes"])
    assert count(app, UserAttribute) == 0
