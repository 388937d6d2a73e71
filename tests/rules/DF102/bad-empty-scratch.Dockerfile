# an empty scratch stage holds no program either way: it is judged as any image
# expect: DF102@1
FROM scratch
