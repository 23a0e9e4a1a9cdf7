"""shacl"""
