"""linkeddata"""
