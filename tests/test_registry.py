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
