from collections import Counter

from sitegen.registry import default_register


def test_register_has_every_municipality_and_county() -> None:
    register = default_register()
    assert len(register.municipalities) == 290
    assert len(register.counties) == 21


def test_lookup_forgives_case_spacing_and_kommun_suffix() -> None:
    register = default_register()
    botkyrka = register.lookup("Botkyrka")
    assert botkyrka is not None and botkyrka.code == "0127"
    assert register.lookup("botkyrka kommun") is botkyrka
    assert register.lookup("  BOTKYRKA  ") is botkyrka
    assert register.lookup("Upplands  Väsby") is register.lookup("Upplands Väsby")
    assert register.lookup("Botkyrks") is None


def test_county_comes_from_register() -> None:
    register = default_register()
    amal = register.lookup("Åmål")
    assert amal is not None and amal.county.name == "Västra Götalands län"
    gotland = register.lookup("Gotland")
    assert gotland is not None and gotland.county.name == "Gotlands län"


def test_slugs_never_collide() -> None:
    register = default_register()
    municipality_slugs = Counter(m.slug for m in register.municipalities)
    assert municipality_slugs.most_common(1)[0][1] == 1
    assert Counter(c.slug for c in register.counties).most_common(1)[0][1] == 1
    habo, haabo = register.lookup("Habo"), register.lookup("Håbo")
    assert habo is not None and haabo is not None and habo.slug != haabo.slug


def test_municipalities_sorted_swedish() -> None:
    names = [m.name for m in default_register().municipalities]
    assert names[-1] == "Övertorneå"
    assert names.index("Åmål") > names.index("Ystad")


# Issue 19's facts: how the municipalities name themselves as organisations.
_CITIES = {"Stockholm", "Göteborg", "Malmö", "Borås", "Västerås", "Mölndal", "Trollhättan",
           "Landskrona", "Haparanda", "Lidingö", "Solna", "Sundbyberg", "Vaxholm"}


def _genitive(name: str) -> str:
    """Swedish adds no genitive s to a name that ends in a vowel or in s, x or z."""
    return name if name[-1].casefold() in "aeiouyåäösxz" else name + "s"


def test_every_municipality_has_its_name_as_an_organisation() -> None:
    wrong = []
    for m in default_register().municipalities:
        if m.name == "Gotland":
            expected = "Region Gotland"
        elif m.name == "Falun":
            expected = "Falu kommun"
        else:
            expected = _genitive(m.name) + (" stad" if m.name in _CITIES else " kommun")
        if m.organisation != expected:
            wrong.append(f"{m.name}: {m.organisation!r}, expected {expected!r}")
    assert not wrong, "\n".join(wrong)
    assert sum(m.organisation.endswith(" stad") for m in default_register().municipalities) == 13


def test_organisation_names_the_examples_give() -> None:
    register = default_register()
    for name, organisation in [("Botkyrka", "Botkyrka kommun"), ("Umeå", "Umeå kommun"),
                               ("Kalix", "Kalix kommun"), ("Kramfors", "Kramfors kommun"),
                               ("Åmål", "Åmåls kommun"), ("Boxholm", "Boxholms kommun"),
                               ("Falun", "Falu kommun"), ("Gotland", "Region Gotland"),
                               ("Göteborg", "Göteborgs stad"), ("Malmö", "Malmö stad"),
                               ("Lilla Edet", "Lilla Edets kommun"),
                               ("Upplands Väsby", "Upplands Väsby kommun")]:
        found = register.lookup(name)
        assert found is not None and found.organisation == organisation, name


def test_lookup_by_organisation_name() -> None:
    register = default_register()
    assert register.lookup("Göteborgs stad") is register.lookup("Göteborg")
    assert register.lookup("falu kommun") is register.lookup("Falun")
    assert register.lookup("Region Gotland") is register.lookup("Gotland")
    assert register.lookup("Boxholms kommun") is register.lookup("Boxholm")
    assert register.lookup("Region Botkyrka") is None
