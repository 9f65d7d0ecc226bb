# A plan whose body was commented out.
# expect: empty-plan@-
# sam.measure(1)
pass
